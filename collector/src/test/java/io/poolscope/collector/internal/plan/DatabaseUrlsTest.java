package io.poolscope.collector.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server of a manifest's URL is the one the agent reports for it. */
class DatabaseUrlsTest {
  @ParameterizedTest
  @CsvSource({
    "jdbc:postgresql://PG.Prod:5433/payments?ssl=true, postgresql, pg.prod:5433",
    "'jdbc:postgresql://pg-a:5432,pg-b:5432/payments', postgresql, pg-a:5432",
    "jdbc:postgresql:payments, postgresql, localhost:5432",
    "jdbc:p6spy:mysql://db/shop, mysql, db:3306",
    "'jdbc:mysql:loadbalance://db1:3307,db2/shop', mysql, db1:3307",
    "jdbc:mariadb://[::1]:3310/shop, mariadb, [::1]:3310",
    "postgres://app:s3cret@pg.prod/payments, postgresql, pg.prod:5432",
  })
  void serverIsTheFirstHostAndPortInLowerCase(String url, String system, String server) {
    DatabaseUrls.Server s = DatabaseUrls.parse(url);
    assertThat(s.system()).isEqualTo(system);
    assertThat(s.key().toString()).isEqualTo(server);
  }

  @ParameterizedTest
  @CsvSource({
    "jdbc:oracle:thin:@db:1521:XE",
    "jdbc:postgresql://$(PG_HOST):5432/payments",
    "jdbc:postgresql://pg:port/payments",
    "not a url"
  })
  void unsupportedOrUnreadableUrlsHaveNoServer(String url) {
    assertThat(DatabaseUrls.parse(url)).isNull();
  }
}
