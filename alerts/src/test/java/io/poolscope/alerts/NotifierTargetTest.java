package io.poolscope.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierTargetTest {

  @Test
  void plainValuesBuildValidatedTargetsWithDefaults() {
    NotifierTarget pd =
        NotifierTarget.of("oncall", "PagerDuty", null, "key", Map.of("severity", "critical"));
    assertThat(pd.type()).isEqualTo(NotifierTarget.Type.PAGERDUTY);
    assertThat(pd.url()).isEqualTo(NotifierTarget.PAGERDUTY_EVENTS_V2);
    assertThat(pd.matches(Map.of("severity", "critical", "db", "x"))).isTrue();
    assertThat(pd.matches(Map.of("severity", "warning"))).isFalse();
    NotifierTarget am = NotifierTarget.of("am", "alertmanager", "http://am:9093/", null, null);
    assertThat(am.url().toString()).isEqualTo("http://am:9093/api/v2/alerts");
    assertThat(am.resendInterval().toSeconds()).isEqualTo(60);
    assertThat(NotifierTarget.of("log", "log", null, null, null).url()).isNull();
  }

  @Test
  void badValuesAreRejectedNamingTargetFieldAndValue() {
    assertThatThrownBy(() -> NotifierTarget.of("x", "email", "http://a", null, null))
        .hasMessage(
            "notifier type 'email' is not one of webhook, slack, pagerduty, alertmanager, log");
    assertThatThrownBy(() -> NotifierTarget.of("hook", "webhook", null, null, null))
        .hasMessage("notifier 'hook' (webhook): url is required");
    assertThatThrownBy(() -> NotifierTarget.of("hook", "slack", "ftp://a/b", null, null))
        .hasMessage("notifier 'hook' (slack): url 'ftp://a/b' is not http(s)");
    assertThatThrownBy(() -> NotifierTarget.of("pd", "pagerduty", null, " ", null))
        .hasMessage("notifier 'pd' (pagerduty): routing key is required");
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("r", "webhook")
                    .url("http://a")
                    .matchRegex("severity", "crit(")
                    .build())
        .hasMessageStartingWith("notifier 'r' (webhook): match regex for 'severity' ('crit(')");
    assertThatThrownBy(
            () -> NotifierTarget.builder("r", "webhook").url("http://a").maxAttempts(0).build())
        .hasMessage("notifier 'r' (webhook): max attempts must be >= 1, not 0");
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("r", "webhook")
                    .url("http://a")
                    .header("Host", "elsewhere")
                    .build())
        .hasMessageStartingWith("notifier 'r' (webhook): header 'Host' cannot be set");
  }

  @Test
  void toStringLeavesOutSecrets() {
    NotifierTarget slack =
        NotifierTarget.of(
            "s", "slack", "https://hooks.slack.com/services/T0/B0/SECRET", null, null);
    NotifierTarget pd = NotifierTarget.of("p", "pagerduty", null, "ROUTINGSECRET", null);
    assertThat(slack.toString()).isEqualTo("NotifierTarget[s, slack, https://hooks.slack.com]");
    assertThat(pd.toString()).doesNotContain("ROUTINGSECRET").contains("events.pagerduty.com");
  }

  @Test
  void duplicateTargetNamesAreRejectedByTheEngine() {
    NotifierTarget a = NotifierTarget.of("same", "log", null, null, null);
    assertThatThrownBy(() -> AlertEngine.builder().target(a).target(a).build())
        .hasMessage("duplicate notifier name 'same'");
  }

  @Test
  void groupingDefaultsAreAlertmanagersAndBadValuesNameTheField() {
    NotifierTarget hook = NotifierTarget.of("hook", "webhook", "http://a/", null, null);
    assertThat(hook.groupBy()).containsExactly("alertname", "server", "db", "service");
    assertThat(hook.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(hook.groupInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(hook.repeatInterval()).isEqualTo(Duration.ofHours(4));
    assertThat(hook.groups()).isTrue();
    assertThat(NotifierTarget.of("am", "alertmanager", "http://a/", null, null).groups()).isFalse();
    NotifierTarget custom =
        NotifierTarget.builder("hook", "webhook")
            .url("http://a/")
            .groupBy(List.of("alertname", "call_site"))
            .groupWait(Duration.ofSeconds(5))
            .groupInterval(null) // null keeps the default, as an absent config key does
            .build();
    assertThat(custom.groupBy()).containsExactly("alertname", "call_site");
    assertThat(custom.groupWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(custom.groupInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("hook", "webhook")
                    .url("http://a/")
                    .groupBy(List.of("call-site"))
                    .build())
        .hasMessage("notifier 'hook' (webhook): group by: 'call-site' is not a label name");
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("hook", "webhook")
                    .url("http://a/")
                    .groupBy(List.of("...", "db"))
                    .build())
        .hasMessage(
            "notifier 'hook' (webhook): group by: '...' is not a label name ('...' stands alone:"
                + " group by every label)");
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("hook", "webhook")
                    .url("http://a/")
                    .repeatInterval(Duration.ZERO)
                    .build())
        .hasMessage("notifier 'hook' (webhook): repeat interval PT0S must be positive");
    assertThatThrownBy(
            () ->
                NotifierTarget.builder("hook", "webhook")
                    .url("http://a/")
                    .groupWait(Duration.ofSeconds(-1))
                    .build())
        .hasMessage("notifier 'hook' (webhook): group wait PT-1S is negative");
  }
}
