package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoSettingsTest {
  @Test
  void optionsOverrideTheStandardPreset() {
    DemoSettings settings =
        DemoSettings.parse(
            "--port",
            "4400",
            "--payments-pods",
            "4",
            "--steady",
            "30s",
            "--incident",
            "2m",
            "--no-input");

    assertThat(settings.port()).isEqualTo(4400);
    assertThat(settings.paymentsPods()).isEqualTo(4);
    assertThat(settings.steady()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.incident()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.interactive()).isFalse();
    assertThat(settings.maxConnections()).isEqualTo(DemoSettings.standard().maxConnections());
  }

  @Test
  void quickPresetAppliesWhereverItIsNamedAndLaterOptionsStillWin() {
    DemoSettings settings = DemoSettings.parse("--max-connections", "40", "--quick");

    assertThat(settings.exportInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.maxConnections()).isEqualTo(40);
    // Like the full story: on port 4318, and running on once every alert resolved.
    assertThat(settings.port()).isEqualTo(4318);
    assertThat(settings.exitWhenResolved()).isFalse();
  }

  @Test
  void badOptionsNameTheOptionAndValue() {
    assertThatThrownBy(() -> DemoSettings.parse("--steady", "soon"))
        .hasMessageContaining("--steady")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> DemoSettings.parse("--payments-pods", "0"))
        .hasMessageContaining("--payments-pods must be an integer >= 1");
    assertThatThrownBy(() -> DemoSettings.parse("--colour", "blue"))
        .hasMessageContaining("unknown option: --colour");
  }

  @Test
  void standardFleetFitsTheBudgetUntilTheIncident() {
    DemoSettings s = DemoSettings.standard();
    int usable = s.maxConnections() - 3;
    int steadyOpen = s.paymentsPods() * s.paymentsPoolSize() + s.jobsPods() * 2;
    // Healthy below the 80% alert, even during the rollout's extra pod.
    assertThat(steadyOpen + s.paymentsPoolSize()).isLessThan((int) (usable * 0.8));
  }
}
