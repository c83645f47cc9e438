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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A steady application for the collector-fault tests: four threads each make a short request
 * (borrow, {@code select 1}, close) every 2 ms and time it; a fifth holds a connection of another
 * pool past the leak threshold over and over, so leak events keep arising whatever the collector
 * does. Commands on stdin: {@code mark NAME} prints the phase's request latencies, heap after GC
 * and thread count as {@code PHASE NAME ...}; {@code stopleaks} ends the leak thread and prints how
 * many leaks it made; {@code quit} ends the program. Arguments: the pool kind, and optionally a
 * pause in milliseconds after each leak (the long soak paces its leaks to stay within the event
 * buffer).
 *
 * <p>Latencies go into a fixed array of counters (1 us steps below 10 ms, 1 ms steps up to 60 s),
 * not a list, so the app's own heap does not grow with the length of a phase.
 */
public final class FaultApp {
  private static final AtomicReference<Latencies> LATENCIES =
      new AtomicReference<>(new Latencies());

  /** A histogram of request latencies: exact microseconds to 10 ms, then milliseconds. */
  static final class Latencies {
    static final int FINE = 10_000;
    final AtomicLongArray counts = new AtomicLongArray(FINE + 60_000);
    final AtomicLong max = new AtomicLong();

    void add(long nanos) {
      long us = nanos / 1000;
      int i = us < FINE ? (int) us : (int) Math.min(FINE + 60_000 - 1, FINE + us / 1000 - 10);
      counts.incrementAndGet(i);
      max.accumulateAndGet(us, Math::max);
    }

    long count() {
      long n = 0;
      for (int i = 0; i < counts.length(); i++) {
        n += counts.get(i);
      }
      return n;
    }

    long percentileMicros(double q) {
      long n = count();
      if (n == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(q * n));
      long seen = 0;
      for (int i = 0; i < counts.length(); i++) {
        seen += counts.get(i);
        if (seen >= rank) {
          return i < FINE ? i : (long) (i - FINE + 10) * 1000;
        }
      }
      return max.get();
    }
  }

  private FaultApp() {}

  public static void main(String[] argv) throws Exception {
    String kind = argv.length > 0 ? argv[0] : "hikari";
    long leakPauseMs = argv.length > 1 ? Long.parseLong(argv[1]) : 0;
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
                  if (leakPauseMs > 0 && !stopLeaks.get()) {
                    sleep(leakPauseMs);
                  }
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
      stopLeaks.set(true); // also when stdin ends without "stopleaks": the harness is gone
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  private static void mark(String phase) {
    Latencies lat = LATENCIES.getAndSet(new Latencies());
    long n = lat.count();
    long p50 = lat.percentileMicros(0.50);
    long p99 = lat.percentileMicros(0.99);
    long max = lat.max.get();
    lat = null;
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    // Requests that waited for the collection above belong to no phase.
    LATENCIES.set(new Latencies());
    System.out.println(
        String.format(
            Locale.ROOT,
            "PHASE %s n=%d p50us=%d p99us=%d maxus=%d heapKB=%d threads=%d",
            phase,
            n,
            p50,
            p99,
            max,
            heap / 1024,
            threads));
    System.out.flush();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
