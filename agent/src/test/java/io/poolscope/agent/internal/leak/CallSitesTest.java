package io.poolscope.agent.internal.leak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallSitesTest {

  @Test
  void frameworkPoolAndDriverFramesAreTrimmedSoTheApplicationLineComesFirst() {
    Throwable site = new Throwable();
    site.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement(
              "io.poolscope.agent.bootstrap.Bridge", "leaseExit", "Bridge.java", 40),
          new StackTraceElement(
              "com.zaxxer.hikari.HikariDataSource", "getConnection", "HikariDataSource.java", 100),
          new StackTraceElement(
              "org.springframework.jdbc.datasource.DataSourceUtils",
              "fetchConnection",
              "DataSourceUtils.java",
              160),
          new StackTraceElement(
              "org.springframework.jdbc.core.JdbcTemplate", "execute", "JdbcTemplate.java", 376),
          new StackTraceElement(
              "com.acme.orders.OrderRepository", "save", "OrderRepository.java", 42),
          new StackTraceElement("com.acme.orders.OrderService", "place", "OrderService.java", 17),
        });
    assertThat(CallSites.borrower(site))
        .isEqualTo(
            "at com.acme.orders.OrderRepository.save(OrderRepository.java:42)\n"
                + "at com.acme.orders.OrderService.place(OrderService.java:17)");
  }
}
