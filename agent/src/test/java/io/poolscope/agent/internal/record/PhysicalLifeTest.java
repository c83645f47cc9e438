package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.pools.PoolAdapters;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Why a physical connection closed, when the close comes before the agent's first export. */
class PhysicalLifeTest {
  @Test
  void aLifetimeCloseBeforeTheFirstExportAsksThePoolItsLifetime() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setMaxLifetime(30_000);
      PoolAdapter adapter = PoolAdapters.forClass(ds.getClass());
      PhysicalLife life = new PhysicalLife();

      // No export has cached the lifetime yet: the closing thread reads it from the pool.
      life.closed(TimeUnit.SECONDS.toNanos(31), adapter, ds);
      life.closed(TimeUnit.SECONDS.toNanos(1), adapter, ds);

      assertThat(life.closed(CloseReason.MAX_LIFETIME)).isEqualTo(1);
      assertThat(life.closed(CloseReason.OTHER)).isEqualTo(1);
    }
  }

  @Test
  void aPoolWithoutALifetimeNeverClosesForIt() {
    PhysicalLife life = new PhysicalLife();
    life.maxLifetime(null);

    life.closed(TimeUnit.DAYS.toNanos(1), PoolAdapters.generic(), null);

    assertThat(life.closed(CloseReason.MAX_LIFETIME)).isZero();
    assertThat(life.closedTotal()).isEqualTo(1);
  }
}
