package io.poolscope.agent.internal.family;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key's shape; which frame it names is tested in a real JVM (PoolFamilyIT). */
class ConstructionSiteTest {

  @Test
  void aKeyIsTheTypeAndTheSite() {
    assertThat(ConstructionSite.bounded("HikariDataSource", "com.acme.Jobs.run:42"))
        .isEqualTo("HikariDataSource@com.acme.Jobs.run:42");
  }

  @Test
  void aVeryLongSiteKeepsItsEndWithinTheLimit() {
    String where = "com.acme." + "deeply.".repeat(60) + "Jobs.run:42";
    String key = ConstructionSite.bounded("HikariDataSource", where);
    assertThat(key)
        .hasSize(ConstructionSite.MAX_LENGTH)
        .startsWith("HikariDataSource@~")
        .endsWith("deeply.Jobs.run:42");
    assertThat(ConstructionSite.bounded("HikariDataSource", where)).isEqualTo(key);
    assertThat(ConstructionSite.bounded("HikariDataSource", where.replace(":42", ":43")))
        .isNotEqualTo(key);
  }
}
