package io.poolscope.agent.internal.pools;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

class H2PoolAdapterTest {
  private final PoolAdapter adapter = PoolAdapters.forClass(JdbcConnectionPool.class);

  @Test
  void readsUsedIdleAndMaxOfARealPool() throws Exception {
    JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:h2adapter", "sa", "");
    pool.setMaxConnections(3);
    try (Connection a = pool.getConnection();
        Connection b = pool.getConnection()) {
      Connection c = pool.getConnection();
      c.close();
      assertThat(adapter.max(pool)).isEqualTo(3);
      assertThat(adapter.used(pool)).isEqualTo(2);
      assertThat(adapter.idle(pool)).isEqualTo(1);
    } finally {
      pool.dispose();
    }
  }

  /** H2 counts a borrower in before checking the limit: CI once exported used 4 of max 3. */
  @Test
  void usedNeverExceedsMaxWhileH2CountsARefusedBorrowerIn() throws Exception {
    JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:h2adapter2", "sa", "");
    pool.setMaxConnections(3);
    try {
      Field f = JdbcConnectionPool.class.getDeclaredField("activeConnections");
      f.setAccessible(true);
      ((AtomicInteger) f.get(pool)).set(4); // the moment between incrementAndGet and the check
      assertThat(pool.getActiveConnections()).isEqualTo(4);
      assertThat(adapter.used(pool)).isEqualTo(3);
    } finally {
      pool.dispose();
    }
  }
}
