package io.poolscope.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDatabaseTest {
  @TempDir Path directory;

  @Test
  void servicesAreRefusedWith53300OnceOnlyReservedSlotsRemainWhileTheProbeStillConnects()
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<Connection> held = new ArrayList<>();
    try (DemoDatabase database = DemoDatabase.start(directory.resolve("pg"), port, 8)) {
      assertThat(database.postmasterPid()).isPresent();
      // 8 - 3 reserved = 5 for the services.
      for (int i = 0; i < 5; i++) {
        held.add(
            DriverManager.getConnection(
                database.servicesJdbcUrl("test-" + i),
                DemoDatabase.APP_USER,
                DemoDatabase.APP_PASSWORD));
      }
      assertThat(database.servicesConnections()).isEqualTo(5);
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                      database.servicesJdbcUrl("one-too-many"),
                      DemoDatabase.APP_USER,
                      DemoDatabase.APP_PASSWORD))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"));
      try (Connection probe = DriverManager.getConnection(database.probeJdbcUrl())) {
        assertThat(probe.isValid(1)).isTrue();
      }
      long pid = database.postmasterPid().orElseThrow();
      for (Connection connection : held) {
        connection.close();
      }
      database.close();
      // pg_ctl returns once the pid file is gone; the process itself may take a moment longer.
      Poll.until(
          "postmaster " + pid + " to exit",
          Duration.ofSeconds(10),
          Duration.ofMillis(50),
          () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          alive -> !alive);
    }
    assertThat(Files.exists(directory.resolve("pg/data"))).isFalse();
  }
}
