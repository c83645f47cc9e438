package io.poolscope.testapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Applications that bring class-loading situations of their own next to the agent (ClassLoadingIT):
 * their own Byte Buddy with their own agent, their own OpenTelemetry SDK set as the global one, and
 * an embedded Tomcat whose child-first web application loader defines the pool. Prints {@code
 * RESULT key=value} lines like {@link TestApp}.
 */
public final class ClassLoadingApp {
  /** Incremented by the application's own advice on {@code HikariDataSource.getConnection()}. */
  public static final AtomicInteger APP_ADVICE = new AtomicInteger();

  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private ClassLoadingApp() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    switch (a.get("scenario")) {
      case "byteBuddy":
        OwnByteBuddy.byteBuddy(Integer.parseInt(a.get("leases")));
        break;
      case "otelSdk":
        OwnSdk.otelSdk(Integer.parseInt(a.get("leases")));
        break;
      case "tomcat":
        Container.tomcat(a.get("docBase"), a.get("baseDir"));
        break;
      default:
        throw new IllegalArgumentException(a.get("scenario"));
    }
    result("exit", "ok");
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }

  private static String await(String prompt) throws Exception {
    System.out.println(prompt);
    System.out.flush();
    return STDIN.readLine();
  }

  private static String jarOf(Class<?> c) {
    String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Each scenario in its own class: a child JVM has only that scenario's libraries. */
  static final class Pools {
    private Pools() {}

    static HikariDataSource hikari(String name) {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
      c.setUsername("sa");
      c.setPassword("");
      c.setPoolName(name);
      c.setMaximumPoolSize(2);
      c.setMinimumIdle(1);
      return new HikariDataSource(c);
    }

    static void lease(HikariDataSource ds, int n, Runnable each) throws Exception {
      for (int i = 0; i < n; i++) {
        try (Connection c = ds.getConnection()) {
          AppPools.use(c);
        }
        each.run();
      }
    }
  }

  static final class OwnByteBuddy {
    private OwnByteBuddy() {}

    /** The application's own advice: counts calls of the pool's getConnection(). */
    public static final class CountingAdvice {
      private CountingAdvice() {}

      /** After each getConnection(). */
      @Advice.OnMethodExit
      public static void exit() {
        APP_ADVICE.incrementAndGet();
      }
    }

    /**
     * Its own Byte Buddy: generates a class, installs its own agent (ByteBuddyAgent) whose advice
     * counts the same pool method the Poolscope agent instruments, then retransforms that class, so
     * both agents' transformers run again on it.
     */
    static void byteBuddy(int leases) throws Exception {
      Object generated =
          new ByteBuddy()
              .subclass(Object.class)
              .name("com.example.AppGenerated")
              .method(ElementMatchers.named("toString"))
              .intercept(FixedValue.value("made by the application's Byte Buddy"))
              .make()
              .load(ClassLoadingApp.class.getClassLoader())
              .getLoaded()
              .getDeclaredConstructor()
              .newInstance();
      result("generated", generated);
      result("byteBuddyFrom", jarOf(ByteBuddy.class));
      Instrumentation inst = ByteBuddyAgent.install();
      new AgentBuilder.Default()
          .disableClassFormatChanges()
          .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
          .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
          .type(ElementMatchers.named("com.zaxxer.hikari.HikariDataSource"))
          .transform(
              (builder, type, loader, module, pd) ->
                  builder.visit(
                      Advice.to(CountingAdvice.class)
                          .on(
                              ElementMatchers.named("getConnection")
                                  .and(ElementMatchers.takesArguments(0)))))
          .installOn(inst);
      try (HikariDataSource ds = Pools.hikari("bb-pool")) {
        Pools.lease(ds, leases, () -> {});
        result("appAdviceBeforeRetransform", APP_ADVICE.get());
        // Both agents' transformers run again on the class's original bytes.
        inst.retransformClasses(HikariDataSource.class);
        Pools.lease(ds, leases, () -> {});
        result("appAdvice", APP_ADVICE.get());
        result("leases", 2 * leases);
      }
    }
  }

  static final class OwnSdk {
    private OwnSdk() {}

    /** An exporter of the application's own SDK that keeps what it is given. */
    private static final class KeepingExporter implements MetricExporter {
      final List<MetricData> exported = new CopyOnWriteArrayList<>();

      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        exported.addAll(metrics);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return AggregationTemporality.CUMULATIVE;
      }
    }

    /**
     * Its own OpenTelemetry SDK, registered as the global one, counting one application metric per
     * lease; its reader must see exactly that metric and the global instance must be the
     * application's.
     */
    static void otelSdk(int leases) throws Exception {
      KeepingExporter exporter = new KeepingExporter();
      SdkMeterProvider meters =
          SdkMeterProvider.builder()
              .registerMetricReader(
                  PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
              .build();
      OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
      // Throws if anything (an agent) had set or read the global instance before the application.
      GlobalOpenTelemetry.set(sdk);
      result("sdkFrom", jarOf(OpenTelemetrySdk.class));
      LongCounter orders = GlobalOpenTelemetry.getMeter("app").counterBuilder("app.orders").build();
      try (HikariDataSource ds = Pools.hikari("otel-pool")) {
        Pools.lease(ds, leases, () -> orders.add(1));
        result("leases", leases);
      }
      result(
          "globalIsApplications", GlobalOpenTelemetry.getMeterProvider() == sdk.getMeterProvider());
      meters.forceFlush().join(10, TimeUnit.SECONDS);
      TreeSet<String> names = new TreeSet<>();
      long total = -1;
      for (MetricData m : exporter.exported) {
        names.add(m.getName());
        if (m.getName().equals("app.orders")) {
          for (LongPointData p : m.getLongSumData().getPoints()) {
            total = p.getValue();
          }
        }
      }
      result("appMetrics", names);
      result("appOrders", total);
      sdk.close();
    }
  }

  static final class Container {
    private Container() {}

    /**
     * Embedded Tomcat on loopback serving one context whose docBase holds the servlet and its pool
     * in WEB-INF; the test sends the requests. {@code undeploy} on stdin removes the context and
     * reports whether its class loader could be collected; {@code quit} stops Tomcat.
     */
    static void tomcat(String docBase, String baseDir) throws Exception {
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(baseDir);
      tomcat.setPort(0);
      tomcat.getConnector().setProperty("address", "127.0.0.1");
      Context ctx = tomcat.addContext("/app", docBase);
      Tomcat.addServlet(ctx, "pool", "io.poolscope.testapp.webapp.PoolServlet").setLoadOnStartup(1);
      ctx.addServletMappingDecoded("/lease", "pool");
      tomcat.start();
      ClassLoader webapp = ctx.getLoader().getClassLoader();
      result("webappLoader", webapp.getClass().getName());
      result("delegate", ctx.getLoader().getDelegate());
      WeakReference<ClassLoader> loader = new WeakReference<>(webapp);
      webapp = null;
      result("port", tomcat.getConnector().getLocalPort());
      String cmd = await("READY");
      if ("undeploy".equals(cmd)) {
        tomcat.getHost().removeChild(ctx);
        ctx = null;
        result("undeployed", "ok");
        result("loaderCollected", collected(loader));
        await("UNDEPLOYED");
      }
      tomcat.stop();
      tomcat.destroy();
    }

    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
      List<byte[]> pressure = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ref.get() != null && System.nanoTime() < deadline) {
        System.gc();
        pressure.add(new byte[1 << 16]);
        if (pressure.size() > 64) {
          pressure.clear();
        }
        Thread.sleep(100);
      }
      return ref.get() == null;
    }
  }
}
