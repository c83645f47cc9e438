package io.poolscope.agent.internal.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names the agent never looks at, decided alike on internal and binary names. */
class IgnoredNamesTest {

  @Test
  void internalAndBinaryNamesAreIgnoredAlike() {
    for (String name :
        new String[] {
          "java.lang.String",
          "io.poolscope.agent.internal.AgentMain",
          "org.slf4j.Logger",
          "com.example.Foo$$Lambda$12",
          "com.zaxxer.hikari.HikariDataSource",
          "jdk.proxy2.$Proxy12",
          "com.sun.proxy.$Proxy3",
          "com.sun.net.httpserver.HttpServer"
        }) {
      assertThat(IgnoredNames.ignoredInternal(name.replace('.', '/')))
          .as(name)
          .isEqualTo(IgnoredNames.ignored(name));
    }
    assertThat(IgnoredNames.ignored("com.zaxxer.hikari.HikariDataSource")).isFalse();
    assertThat(IgnoredNames.ignored("jdk.proxy2.$Proxy12")).isFalse();
    assertThat(IgnoredNames.ignored("java.sql.DriverManager")).isTrue();
  }
}
