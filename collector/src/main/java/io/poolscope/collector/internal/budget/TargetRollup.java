package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.PodView;
import java.util.List;

/**
 * Everything the database view needs of one target, computed once per snapshot: the budget, each
 * service's share, and the pods using it ordered by open connections (live pods first).
 */
public record TargetRollup(
    DatabaseBudget budget, List<ServiceRollup> services, List<PodView> pods) {}
