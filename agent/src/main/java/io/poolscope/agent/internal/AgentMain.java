package io.poolscope.agent.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.poolscope.agent.bootstrap.Bridge;
import io.poolscope.agent.internal.config.AgentConfig;
import io.poolscope.agent.internal.export.ExportLoop;
import io.poolscope.agent.internal.export.OtlpSender;
import io.poolscope.agent.internal.export.ResourceFactory;
import io.poolscope.agent.internal.instrument.Instrumenter;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.record.Hub;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.Registry;
import java.lang.instrument.Instrumentation;

/** Wires the agent together once the bootstrap bridge is on the boot class path. */
public final class AgentMain {
  private AgentMain() {}

  /**
   * Starts the agent; prints one line on success, one line naming the problem otherwise.
   *
   * @param config the validated {@link AgentConfig}
   * @param inst the instrumentation
   * @param version the agent version
   */
  public static void start(Object config, Instrumentation inst, String version) {
    AgentConfig cfg = (AgentConfig) config;
    Diagnostics.debug(cfg.debug());
    Registry registry = new Registry();
    PhysicalTracker physical = new PhysicalTracker();
    Hub hub = new Hub(registry, physical, cfg.leakCapture(), cfg.leakSampleRate());
    Bridge.install(hub);
    // Nothing of the agent may run on another thread until the instrumentation is installed: a
    // class loaded on another thread while installOn retransforms runs the transformer there,
    // concurrently with the initialisation of the (shaded) Byte Buddy classes on this thread, and
    // the two can deadlock on class initialisation; the JVM then hangs before main, silently. So
    // the export and scan threads, and the HttpClient (whose builder starts its selector thread at
    // once), are all created afterwards.
    Instrumenter.install(inst);
    EventBuffer events = new EventBuffer(cfg.eventBuffer());
    long threshold = cfg.leakThreshold().toNanos();
    LeakScanner scanner =
        new LeakScanner(registry, events, threshold, cfg.leakCaptureWindow().toNanos());
    Resource resource =
        ResourceFactory.create(cfg.service(), cfg.serviceVersion(), version, System.getenv());
    OtlpSender sender = new OtlpSender(cfg.endpoint(), cfg.token(), cfg.timeout());
    long interval = cfg.interval().toMillis();
    long scan = Math.max(50, Math.min(1000, cfg.leakThreshold().toMillis() / 4));
    ExportLoop loop =
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
    loop.start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> loop.shutdown(cfg.timeout()), "poolscope-shutdown"));
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
}
