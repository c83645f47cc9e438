package io.poolscope.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Four threads keep borrowing from a HikariCP pool on a PostgreSQL that the test stops and starts
 * again. Commands on stdin: {@code counts} prints {@code COUNTS ok=N failed=N}; {@code pause} stops
 * the threads (every lease returned) and prints {@code PAUSED}; {@code quit} ends the program.
 */
public final class OutageApp {
  private OutageApp() {}

  public static void main(String[] argv) throws Exception {
    AppPools.Spec s = new AppPools.Spec();
    s.url = argv[0];
    s.user = "postgres";
    s.password = "postgres";
    s.max = 4;
    s.minIdle = 2;
    s.timeoutMs = 1_000;
    s.name = "outage-pool";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    try (AppPools.Pool pool = AppPools.create("hikari", s)) {
      DataSource ds = pool.dataSource();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                      st.execute("select 1");
                      ok.incrementAndGet();
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                    try {
                      Thread.sleep(10);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "worker-" + i);
        t.start();
        threads.add(t);
      }
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("counts")) {
          System.out.println("COUNTS ok=" + ok.get() + " failed=" + failed.get());
        } else if (line.equals("pause")) {
          stop.set(true);
          for (Thread t : threads) {
            t.join();
          }
          System.out.println("PAUSED");
        }
        System.out.flush();
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }
}
