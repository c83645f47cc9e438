package io.poolscope.agent.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.config.AgentConfig;
import io.poolscope.agent.internal.export.ExportLoop;
import io.poolscope.agent.internal.export.OtlpSender;
import io.poolscope.agent.internal.export.ResourceFactory;
import io.poolscope.agent.internal.instrument.Instrumenter;
import io.poolscope.agent.internal.instrument.StartGate;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.record.Hub;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.Registry;
import java.lang.instrument.Instrumentation;

/** Wires the agent together once the bootstrap bridge is on the boot class path. */
public final class AgentMain {

  /**
   * Starts the agent. On the calling ({@code premain}) thread only what must be in place before the
   * application's first class: the recording hub and the start gate. Byte Buddy, the export stack
   * and the agent's threads are set up on the agent's own thread while the application starts; that
   * thread prints one line on success, one line naming the problem otherwise.
   *
   * @param config the validated {@link AgentConfig}
   * @param inst the instrumentation
   * @param version the agent version
   * @param atJvmStart {@code premain}: set up on the agent's own thread; otherwise (attached to a
   *     running JVM, whose pool classes are loaded and in use) before returning, so the attaching
   *     tool knows the pools are instrumented when it returns
   */
  public static void start(
      Object config, Instrumentation inst, String version, boolean atJvmStart) {
    AgentConfig cfg = (AgentConfig) config;
    Diagnostics.debug(cfg.debug());
    Registry registry = new Registry();
    PhysicalTracker physical = new PhysicalTracker();
    Hub hub = new Hub(registry, physical, cfg.leakCapture(), cfg.leakSampleRate());
    Bridge.install(hub);
    StartGate gate = StartGate.register(inst);
    AgentMain agent = new AgentMain(cfg, registry, physical, version);
    Thread starter = new Thread(() -> agent.run(inst, gate), "poolscope-start");
    starter.setDaemon(true);
    agent.starter = starter;
    if (atJvmStart) {
      starter.start();
    } else {
      starter.run();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::exit, "poolscope-shutdown"));
  }

  private final AgentConfig cfg;
  private final Registry registry;
  private final PhysicalTracker physical;
  private final String version;
  private volatile Thread starter;
  private volatile ExportLoop loop;

  private AgentMain(AgentConfig cfg, Registry registry, PhysicalTracker physical, String version) {
    this.cfg = cfg;
    this.registry = registry;
    this.physical = physical;
    this.version = version;
  }

  private void run(Instrumentation inst, StartGate gate) {
    try {
      // Nothing of the agent may run on another thread until the instrumentation is installed: a
      // class loaded on another thread while the install retransforms runs the transformer there,
      // concurrently with the initialisation of the (shaded) Byte Buddy classes on this thread,
      // and the two can deadlock on class initialisation; the JVM then hangs, silently. The gate
      // keeps Byte Buddy off the application's threads until then, and the export and scan
      // threads, and the HttpClient (whose builder starts its selector thread at once), are all
      // created afterwards.
      Instrumenter.install(inst, gate);
    } catch (Throwable t) {
      gate.fail();
      System.err.println(
          "poolscope: agent failed to start, application continues without it: " + t);
      return;
    }
    try {
      startExport();
    } catch (Throwable t) {
      System.err.println("poolscope: agent failed to start exporting: " + t);
    }
  }

  private void startExport() {
    EventBuffer events = new EventBuffer(cfg.eventBuffer());
    long threshold = cfg.leakThreshold().toNanos();
    LeakScanner scanner =
        new LeakScanner(registry, events, threshold, cfg.leakCaptureWindow().toNanos());
    Resource resource =
        ResourceFactory.create(cfg.service(), cfg.serviceVersion(), version, System.getenv());
    OtlpSender sender = new OtlpSender(cfg.endpoint(), cfg.token(), cfg.timeout());
    long interval = cfg.interval().toMillis();
    long scan = Math.max(50, Math.min(1000, cfg.leakThreshold().toMillis() / 4));
    ExportLoop started =
        new ExportLoop(
            registry,
            physical,
            scanner,
            events,
            sender,
            resource,
            version,
            interval,
            scan,
            cfg.maxBackoff().toMillis(),
            Instrumenter::releaseTypeCaches);
    started.start();
    loop = started;
    System.err.println(
        "poolscope agent "
            + version
            + " started: endpoint="
            + cfg.endpoint()
            + ", service="
            + resource.getAttribute(AttributeKey.stringKey("service.name"))
            + ", interval="
            + interval
            + "ms");
  }

  /**
   * The shutdown hook: the final export. A JVM that exits before the agent finished starting and
   * never saw a pool or a physical connection (a {@code java -version}, a CLI tool) has nothing to
   * report and does not wait for it.
   */
  private void exit() {
    ExportLoop l = loop;
    if (l == null) {
      if (registry.recorders().isEmpty()
          && physical.open().isEmpty()
          && physical.refused().isEmpty()) {
        return;
      }
      try {
        starter.join(Math.max(1, cfg.timeout().toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // exiting anyway
      }
      l = loop;
      if (l == null) {
        return;
      }
    }
    l.shutdown(cfg.timeout());
  }
}
