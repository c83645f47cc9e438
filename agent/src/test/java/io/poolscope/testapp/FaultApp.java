package io.poolscope.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A steady application for the collector-fault tests: four threads each make a short request
 * (borrow, {@code select 1}, close) every 2 ms and time it; a fifth holds a connection of another
 * pool past the leak threshold over and over, so leak events keep arising whatever the collector
 * does. Commands on stdin: {@code mark NAME} prints the phase's request latencies, heap after GC
 * and thread count as {@code PHASE NAME ...}; {@code stopleaks} ends the leak thread and prints how
 * many leaks it made; {@code quit} ends the program.
 */
public final class FaultApp {
  private static final AtomicReference<ConcurrentLinkedQueue<Long>> LATENCIES =
      new AtomicReference<>(new ConcurrentLinkedQueue<>());

  private FaultApp() {}

  public static void main(String[] argv) throws Exception {
    String kind = argv.length > 0 ? argv[0] : "hikari";
    AppPools.Spec s = new AppPools.Spec();
    s.url = "jdbc:h2:mem:faults;DB_CLOSE_DELAY=-1";
    s.user = "sa";
    s.password = "pw";
    s.max = 4;
    s.minIdle = 4;
    s.timeoutMs = 30_000;
    s.name = "app-pool";
    AppPools.Spec l = new AppPools.Spec();
    l.url = s.url;
    l.user = s.user;
    l.password = s.password;
    l.max = 2;
    l.minIdle = 1;
    l.timeoutMs = 30_000;
    l.name = "leaky-pool";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean stopLeaks = new AtomicBoolean();
    AtomicInteger leaks = new AtomicInteger();
    try (AppPools.Pool pool = AppPools.create(kind, s);
        AppPools.Pool leaky = AppPools.create(kind, l)) {
      DataSource ds = pool.dataSource();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        threads.add(
            new Thread(
                () -> {
                  while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                      st.execute("select 1");
                    } catch (Exception e) {
                      System.out.println("ERROR " + e);
                    }
                    LATENCIES.get().add(System.nanoTime() - t0);
                    sleep(2);
                  }
                },
                "request-" + i));
      }
      Thread leaker =
          new Thread(
              () -> {
                while (!stopLeaks.get()) {
                  try (Connection c = leaky.dataSource().getConnection()) {
                    // Held 1.5 s past the 1 s threshold: shorter than a slow collector stalls an
                    // export (two 1 s timeouts), so a scan tied to exports would miss some.
                    sleep(2_500);
                  } catch (Exception e) {
                    System.out.println("ERROR " + e);
                  }
                  leaks.incrementAndGet();
                }
              },
              "leaker");
      threads.forEach(Thread::start);
      leaker.start();
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.startsWith("mark ")) {
          mark(line.substring(5));
        } else if (line.equals("stopleaks")) {
          stopLeaks.set(true);
          leaker.join();
          System.out.println("RESULT leaks=" + leaks.get());
          System.out.flush();
        }
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  private static void mark(String phase) {
    long[] lat =
        LATENCIES.getAndSet(new ConcurrentLinkedQueue<>()).stream()
            .mapToLong(Long::longValue)
            .sorted()
            .toArray();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    // Requests that waited for the collection above belong to no phase.
    LATENCIES.set(new ConcurrentLinkedQueue<>());
    System.out.println(
        String.format(
            Locale.ROOT,
            "PHASE %s n=%d p50us=%d p99us=%d maxus=%d heapKB=%d threads=%d",
            phase,
            lat.length,
            pct(lat, 0.50) / 1000,
            pct(lat, 0.99) / 1000,
            lat.length == 0 ? 0 : lat[lat.length - 1] / 1000,
            heap / 1024,
            threads));
    System.out.flush();
  }

  private static long pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
