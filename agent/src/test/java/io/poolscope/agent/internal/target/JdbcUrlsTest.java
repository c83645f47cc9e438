package io.poolscope.agent.internal.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "jdbc:postgresql://db.prod:6432/orders?user=app&password=hunter2|postgresql|db.prod|6432|orders",
        "jdbc:postgresql://primary,replica:5433/orders|postgresql|primary|5432|orders",
        "jdbc:postgresql:orders|postgresql|localhost|5432|orders",
        "jdbc:mysql://user:pw@mysql.local/shop?useSSL=false|mysql|mysql.local|3306|shop",
        "jdbc:mysql:loadbalance://h1:3307,h2:3307/shop|mysql|h1|3307|shop",
        "jdbc:mariadb://maria:3310/billing|mariadb|maria|3310|billing",
        "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1;PASSWORD=x|h2|null|-1|test",
        "jdbc:h2:tcp://h2host:9123/~/data/app;USER=sa|h2|h2host|9123|~/data/app",
        "jdbc:h2:file:/var/lib/app/store;CIPHER=AES|h2|null|-1|store",
        "jdbc:oracle:thin:scott/tiger@ora.local:1522:ORCL|oracle.db|ora.local|1522|ORCL",
        "jdbc:oracle:thin:@//ora.local:1521/SALES.example|oracle.db|ora.local|1521|SALES.example",
        "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora2)(PORT=1600))(CONNECT_DATA=(SERVICE_NAME=svc)))|oracle.db|ora2|1600|svc",
        "jdbc:sqlserver://mssql:1444;databaseName=crm;user=sa;password=Secret1|microsoft.sql_server|mssql|1444|crm",
        "jdbc:sqlserver://mssql\\\\INST;database=crm|microsoft.sql_server|mssql|1433|crm",
        "jdbc:p6spy:postgresql://pg:5432/app|postgresql|pg|5432|app",
      })
  void urlBecomesTargetWithoutCredentials(
      String url, String system, String address, int port, String namespace) {
    DbTarget t = JdbcUrls.parse(url);
    assertThat(t.system()).isEqualTo(system);
    assertThat(t.address()).isEqualTo(address);
    assertThat(t.port()).isEqualTo(port);
    assertThat(t.namespace()).isEqualTo(namespace);
    assertThat(t.toString()).doesNotContain("hunter2", "tiger", "Secret1", "password", "PASSWORD");
  }

  @org.junit.jupiter.api.Test
  void notJdbcIsUnknown() {
    assertThat(JdbcUrls.parse(null)).isSameAs(DbTarget.UNKNOWN);
    assertThat(JdbcUrls.parse("http://x")).isSameAs(DbTarget.UNKNOWN);
  }
}
