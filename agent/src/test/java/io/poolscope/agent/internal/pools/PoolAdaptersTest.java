package io.poolscope.agent.internal.pools;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.druid.pool.DruidDataSource;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** Every list the instrumentation uses comes from the adapters' own declarations. */
class PoolAdaptersTest {

  @Test
  void eachDeclaredPoolClassMapsToTheAdapterThatDeclaresIt() {
    for (PoolAdapter a : PoolAdapters.all()) {
      for (String type : a.poolClasses()) {
        assertThat(a.known()).as(type).isTrue();
        assertThat(PoolAdapters.poolPackages())
            .as("the packages of " + type)
            .anySatisfy(p -> assertThat(type).startsWith(p));
      }
    }
    assertThat(PoolAdapters.forClass(DruidDataSource.class).poolClasses())
        .containsExactly("com.alibaba.druid.pool.DruidDataSource");
    assertThat(PoolAdapters.forClass(Object.class).known()).isFalse();
  }

  @Test
  void poolsInsideDriverPackagesAreDerivedFromTheirAdapters() {
    assertThat(PoolAdapters.poolsInDriverPackages())
        .containsExactlyInAnyOrder(
            "org.h2.jdbcx.JdbcConnectionPool",
            "org.mariadb.jdbc.pool.",
            "org.mariadb.jdbc.MariaDbPoolDataSource");
    assertThat(PoolAdapters.internalSources())
        .contains("com.zaxxer.hikari.util.DriverDataSource", "io.agroal.pool.wrapper.");
    assertThat(
            PoolAdapters.isPoolClass(
                "com.alibaba.druid.pool.DruidDataSource$CreateConnectionThread"))
        .isTrue();
    assertThat(PoolAdapters.isPoolClass("org.h2.jdbcx.JdbcDataSource")).isFalse();
  }

  @Test
  void druidAdapterReadsTheNameSizesAndCountsOfARealPool() throws Exception {
    DruidDataSource ds = new DruidDataSource();
    ds.setUrl("jdbc:h2:mem:druidadapter");
    ds.setUsername("sa");
    ds.setMaxActive(4);
    ds.setMinIdle(1);
    ds.setPhyTimeoutMillis(90_000);
    ds.setValidationQuery("select 1");
    PoolAdapter adapter = PoolAdapters.forClass(ds.getClass());
    try {
      assertThat(adapter.name(ds)).as("unnamed: Druid's generated name is not stable").isNull();
      ds.setName("billing-druid");
      try (Connection a = ds.getConnection();
          Connection b = ds.getConnection()) {
        Connection c = ds.getConnection();
        c.close();
        assertThat(adapter.name(ds)).isEqualTo("billing-druid");
        assertThat(adapter.max(ds)).isEqualTo(4);
        assertThat(adapter.minIdle(ds)).isEqualTo(1);
        assertThat(adapter.used(ds)).isEqualTo(2);
        assertThat(adapter.idle(ds)).isEqualTo(1);
        assertThat(adapter.pending(ds)).isEqualTo(0);
        assertThat(adapter.maxLifetime(ds)).isEqualTo(90.0);
        assertThat(adapter.brokenCloses(ds)).isEqualTo(0L);
      }
    } finally {
      ds.close();
    }
  }
}
