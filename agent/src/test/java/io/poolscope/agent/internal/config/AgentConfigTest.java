package io.poolscope.agent.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment() {
    Properties p = new Properties();
    p.setProperty("poolscope.interval", "2s");
    p.setProperty("poolscope.service", "from-prop");
    AgentConfig c =
        AgentConfig.parse(
            "service=from-args",
            p,
            Map.of(
                "POOLSCOPE_INTERVAL", "5s",
                "POOLSCOPE_LEAK_THRESHOLD", "1500ms",
                "POOLSCOPE_TOKEN", "tok"));
    assertThat(c.service()).isEqualTo("from-args");
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.leakThreshold()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.token()).isEqualTo("tok");
  }

  @Test
  void serviceVersionIsTheOptionElseOtelResourceAttributesElseAbsent() {
    String attrs = "deployment.environment=prod,service.version=2.4.1%2Bbuild+7,team=payments";
    assertThat(
            AgentConfig.parse(null, new Properties(), Map.of("OTEL_RESOURCE_ATTRIBUTES", attrs))
                .serviceVersion())
        .isEqualTo("2.4.1+build+7");
    assertThat(
            AgentConfig.parse(
                    "serviceVersion=3.0",
                    new Properties(),
                    Map.of("OTEL_RESOURCE_ATTRIBUTES", attrs))
                .serviceVersion())
        .isEqualTo("3.0");
    assertThat(
            AgentConfig.parse(
                    "serviceVersion=",
                    new Properties(),
                    Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=payments"))
                .serviceVersion())
        .isNull();
    assertThat(AgentConfig.parse(null, new Properties(), Map.of()).serviceVersion()).isNull();
  }

  @Test
  void otelServiceNameIsHonouredWhenNoServiceIsGiven() {
    AgentConfig c = AgentConfig.parse(null, new Properties(), Map.of("OTEL_SERVICE_NAME", "otel"));
    assertThat(c.service()).isEqualTo("otel");
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.leakThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.endpoint().toString()).isEqualTo("http://127.0.0.1:4318");
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> AgentConfig.parse("interval=soon", new Properties(), Map.of()))
        .hasMessageContaining("interval=soon");
    assertThatThrownBy(() -> AgentConfig.parse("colour=blue", new Properties(), Map.of()))
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> AgentConfig.parse("endpoint=ftp://x", new Properties(), Map.of()))
        .hasMessageContaining("endpoint=ftp://x");
    assertThatThrownBy(() -> AgentConfig.parse("leakThreshold=10ms", new Properties(), Map.of()))
        .hasMessageContaining("leakThreshold");
  }

  @Test
  void maxBackoffDefaultsToThirtyIntervalsAtMostFiveMinutesAndIsNeverBelowTheInterval() {
    Properties none = new Properties();
    assertThat(AgentConfig.parse(null, none, Map.of()).maxBackoff())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(AgentConfig.parse("interval=200ms", none, Map.of()).maxBackoff())
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(AgentConfig.parse("interval=10m", none, Map.of()).maxBackoff())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(AgentConfig.parse(null, none, Map.of("POOLSCOPE_MAX_BACKOFF", "1m")).maxBackoff())
        .isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> AgentConfig.parse("interval=10s,maxBackoff=5s", none, Map.of()))
        .hasMessageContaining("maxBackoff=5s");
  }
}
