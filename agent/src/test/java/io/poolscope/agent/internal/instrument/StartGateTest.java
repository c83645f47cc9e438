package io.poolscope.agent.internal.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** What the start gate holds back while Byte Buddy is set up, decided on bytes and names alone. */
class StartGateTest {

  private static byte[] classFile(String name) throws IOException {
    try (InputStream in =
        StartGateTest.class
            .getClassLoader()
            .getResourceAsStream(name.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void poolAndDriverClassesWaitAndAClassNamingNoJdbcTypeDoesNot() throws IOException {
    assertThat(StartGate.mentionsJdbc(classFile("com.zaxxer.hikari.HikariDataSource"))).isTrue();
    assertThat(StartGate.mentionsJdbc(classFile("org.h2.Driver"))).isTrue();
    assertThat(StartGate.mentionsJdbc(classFile("io.poolscope.testapp.FirstLinePoolApp")))
        .isFalse();
    assertThat(StartGate.mentionsJdbc(classFile("io.poolscope.testapp.NoPoolApp"))).isFalse();
  }

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
