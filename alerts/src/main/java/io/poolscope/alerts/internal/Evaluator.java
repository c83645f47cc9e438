package io.poolscope.alerts.internal;

import io.poolscope.alerts.Alert;
import io.poolscope.alerts.AlertEvent;
import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.alerts.Sample;
import io.poolscope.alerts.internal.rules.EvalContext;
import io.poolscope.alerts.internal.rules.Value;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rule evaluation with Prometheus alert semantics: a label set returned by a rule's expression is
 * pending from its first evaluation, fires at the first evaluation at least {@code for:} later, and
 * resolves at the first evaluation that no longer returns it. A pending label set that disappears
 * is dropped silently, so a value flapping faster than {@code for:} never fires. Not thread-safe:
 * the engine serialises calls.
 */
public final class Evaluator {
  private static final System.Logger LOG = System.getLogger("io.poolscope.alerts");

  private final SeriesStore store = new SeriesStore();
  private final Map<String, CompiledRule> rules = new LinkedHashMap<>();

  /** Every series name the rules read; published for callers outside the engine's lock. */
  private volatile Set<String> names = Set.of();

  /** Starts with a rule set. */
  public Evaluator(RuleSet ruleSet) {
    reload(ruleSet, 0);
  }

  /**
   * Replaces the rules. Rules with the same identity (name, expression, labels; see {@link
   * Rule#sameIdentity}) keep their alert instances; firing instances of other rules resolve.
   *
   * @return RESOLVED events for firing alerts whose rule went away or changed
   */
  public List<AlertEvent> reload(RuleSet ruleSet, long now) {
    Map<String, CompiledRule> next = new LinkedHashMap<>();
    for (Rule r : ruleSet.rules()) {
      CompiledRule old = rules.get(r.name());
      boolean keep = old != null && old.rule.sameIdentity(r);
      next.put(r.name(), new CompiledRule(r, keep ? old.active : new LinkedHashMap<>()));
    }
    List<AlertEvent> events = new ArrayList<>();
    for (CompiledRule old : rules.values()) {
      CompiledRule replacement = next.get(old.rule.name());
      if (replacement != null && replacement.active == old.active) {
        continue;
      }
      for (AlertInstance a : old.active.values()) {
        if (a.state == AlertState.FIRING) {
          a.state = AlertState.RESOLVED;
          a.resolvedAt = now;
          events.add(event(AlertEvent.Type.RESOLVED, now, old, a));
        }
      }
    }
    rules.clear();
    rules.putAll(next);
    Set<String> rangeNames = new HashSet<>();
    Set<String> read = new HashSet<>();
    long maxRange = 0;
    for (CompiledRule c : rules.values()) {
      c.expr.rangeNames(rangeNames);
      c.expr.names(read);
      maxRange = Math.max(maxRange, c.expr.maxRangeMillis());
    }
    store.configure(rangeNames, maxRange);
    names = Set.copyOf(read);
    return events;
  }

  /** Every series name the rules read; samples of other names change nothing. */
  public Set<String> names() {
    return names;
  }

  /**
   * Evaluates every rule over this interval's samples.
   *
   * @return state changes in order: PENDING, FIRING and RESOLVED events
   */
  public List<AlertEvent> evaluate(List<Sample> samples, long now) {
    Map<String, List<Sample>> byName = new HashMap<>();
    for (Sample s : samples) {
      byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
    }
    store.add(byName, now);
    EvalContext ctx =
        new EvalContext() {
          @Override
          public long nowMillis() {
            return now;
          }

          @Override
          public List<Sample> instant(String name) {
            return byName.getOrDefault(name, List.of());
          }

          @Override
          public Collection<Series> range(String name) {
            return store.range(name);
          }
        };
    List<AlertEvent> events = new ArrayList<>();
    for (CompiledRule c : rules.values()) {
      Value v;
      try {
        v = c.expr.eval(ctx);
      } catch (RuntimeException e) {
        // One broken rule must not silence the others; its alerts keep their state.
        LOG.log(Level.WARNING, "rule " + c.rule.name() + " failed to evaluate", e);
        continue;
      }
      try {
        apply(c, v, now, events);
      } catch (RuntimeException e) {
        // Nor one whose labels or annotations fail to render.
        LOG.log(Level.WARNING, "rule " + c.rule.name() + " failed to apply", e);
      }
    }
    return events;
  }

  private void apply(CompiledRule c, Value v, long now, List<AlertEvent> events) {
    // Keyed by label set, so the fingerprint (a hash) is computed once per instance, not per
    // evaluation: a rule over thousands of pools stays cheap.
    Set<Map<String, String>> seen = new HashSet<>();
    for (Value.Element e : v.elements()) {
      Map<String, String> labels = e.labels();
      if (!c.rule.labels().isEmpty()) {
        labels = new HashMap<>(labels);
        labels.putAll(c.rule.labels());
      }
      if (!seen.add(labels)) {
        continue; // two results with one label set after adding rule labels: first wins
      }
      AlertInstance a = c.active.get(labels);
      if (a == null) {
        Map<String, String> copy = Map.copyOf(labels);
        a = new AlertInstance(Fingerprints.of(c.rule.name(), copy), copy, now);
        c.active.put(copy, a);
        a.value = e.value();
        coverage(a, e);
        if (!c.rule.forDuration().isZero()) {
          events.add(event(AlertEvent.Type.PENDING, now, c, a));
        }
      } else {
        a.value = e.value();
        coverage(a, e);
      }
    }
    Iterator<AlertInstance> it = c.active.values().iterator();
    long forMillis = c.rule.forDuration().toMillis();
    while (it.hasNext()) {
      AlertInstance a = it.next();
      if (!seen.contains(a.labels)) {
        it.remove();
        if (a.state == AlertState.FIRING) {
          a.state = AlertState.RESOLVED;
          a.resolvedAt = now;
          events.add(event(AlertEvent.Type.RESOLVED, now, c, a));
        }
      } else if (a.state == AlertState.PENDING && now - a.activeSince >= forMillis) {
        a.state = AlertState.FIRING;
        a.firedAt = now;
        events.add(event(AlertEvent.Type.FIRING, now, c, a));
      }
    }
  }

  /** Which pods and pools the element was computed from. */
  private static void coverage(AlertInstance a, Value.Element e) {
    Set<String> pods = new java.util.TreeSet<>();
    Set<String> pools = new java.util.TreeSet<>();
    for (Map<String, String> l : e.from()) {
      String pod = l.getOrDefault("pod", "");
      String pool = l.getOrDefault("pool", "");
      if (!pod.isEmpty()) {
        pods.add(pod);
      }
      if (!pool.isEmpty()) {
        pools.add(pod.isEmpty() ? pool : pod + "/" + pool);
      }
    }
    if (!pods.equals(a.pods)) {
      a.pods = Set.copyOf(pods);
    }
    if (!pools.equals(a.pools)) {
      a.pools = Set.copyOf(pools);
    }
  }

  /** Pending and firing alerts, by rule order then appearance. */
  public List<Alert> active() {
    List<Alert> out = new ArrayList<>();
    for (CompiledRule c : rules.values()) {
      for (AlertInstance a : c.active.values()) {
        out.add(a.snapshot(c));
      }
    }
    return out;
  }

  /**
   * Firing alerts last re-posted at least {@code intervalMillis} ago; marks them re-posted now.
   * Used to keep Alertmanager from timing alerts out.
   */
  public List<Alert> dueForResend(long now, long intervalMillis) {
    List<Alert> out = new ArrayList<>();
    for (CompiledRule c : rules.values()) {
      for (AlertInstance a : c.active.values()) {
        if (a.state == AlertState.FIRING) {
          if (a.lastResend == 0) {
            a.lastResend = a.firedAt; // the firing notification itself was the first post
          }
          if (now - a.lastResend >= intervalMillis) {
            a.lastResend = now;
            out.add(a.snapshot(c));
          }
        }
      }
    }
    return out;
  }

  /**
   * Replaces every alert instance with {@code saved} (from an earlier engine's {@link
   * io.poolscope.alerts.AlertEngine#saveState}); entries of rules not loaded now are dropped.
   *
   * @return the restored firing alerts, for the dispatcher to take over
   */
  public List<Alert> restore(List<io.poolscope.alerts.SavedAlert> saved) {
    for (CompiledRule c : rules.values()) {
      c.active.clear();
    }
    List<Alert> firing = new ArrayList<>();
    for (io.poolscope.alerts.SavedAlert s : saved) {
      CompiledRule c = rules.get(s.rule());
      if (c == null || s.state() == AlertState.RESOLVED) {
        continue;
      }
      Map<String, String> labels = Map.copyOf(s.labels());
      AlertInstance a =
          new AlertInstance(Fingerprints.of(c.rule.name(), labels), labels, s.activeSince());
      a.state = s.state();
      a.value = s.value();
      a.firedAt = s.firedAt();
      a.lastResend = s.lastResend();
      c.active.put(labels, a);
      if (a.state == AlertState.FIRING) {
        firing.add(a.snapshot(c));
      }
    }
    return firing;
  }

  /** Every pending and firing instance with what a successor needs to continue it. */
  public List<io.poolscope.alerts.SavedAlert> save(java.util.function.Predicate<Alert> told) {
    List<io.poolscope.alerts.SavedAlert> out = new ArrayList<>();
    for (CompiledRule c : rules.values()) {
      for (AlertInstance a : c.active.values()) {
        boolean t = a.state == AlertState.FIRING && told.test(a.snapshot(c));
        out.add(
            new io.poolscope.alerts.SavedAlert(
                c.rule.name(),
                a.labels,
                a.state,
                a.value,
                a.activeSince,
                a.firedAt,
                a.lastResend,
                t));
      }
    }
    return out;
  }

  /** Retained counter points, for capacity figures. */
  public int retainedPoints() {
    return store.points();
  }

  private static AlertEvent event(AlertEvent.Type t, long now, CompiledRule c, AlertInstance a) {
    return new AlertEvent(t, now, a.snapshot(c), null);
  }
}
