package io.poolscope.collector.internal.fleet;

import java.util.List;
import java.util.Set;

/** Every known pod at {@code time}, stale ones flagged; the targets any of them use. */
public record FleetSnapshot(long time, List<PodView> pods, Set<TargetKey> targets) {}
