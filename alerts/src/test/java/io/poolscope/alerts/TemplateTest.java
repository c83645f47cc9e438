package io.poolscope.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.alerts.internal.rules.Template;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static String render(String t, double v) {
    return Template.compile(t).render(Map.of("db", "pg1", "pool", "HikariPool-1"), v);
  }

  @Test
  void valuesAndLabelsAreSubstitutedLikePrometheus() {
    assertThat(render("{{ $labels.db }}/{{$labels.pool}}: {{ $value }}", 57))
        .isEqualTo("pg1/HikariPool-1: 57");
    assertThat(render("{{ $value }}", 0.84)).isEqualTo("0.84");
    assertThat(render("{{ $labels.missing }}|", 1)).isEqualTo("|");
    assertThat(render("{{ $value | humanizePercentage }}", 0.8421)).isEqualTo("84.21%");
    assertThat(render("{{ $value | humanizeDuration }}", 0.25)).isEqualTo("250ms");
    assertThat(render("{{ $value | humanizeDuration }}", 90)).isEqualTo("1m 30s");
    assertThat(render("{{ $value | humanize }}", 12345)).isEqualTo("12.35k");
    assertThat(render("{{ $value | printf \"%.2f\" }}", 0.84567)).isEqualTo("0.85");
  }
}
