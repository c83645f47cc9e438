package io.poolscope.collector.internal.fleet;

/**
 * One lease among a pool's oldest still held, as the pod's last export named it.
 *
 * @param pool the pool's name
 * @param thread the borrowing thread's name
 * @param heldSeconds how long it had been held when the pod last exported
 * @param borrowedAt when it was borrowed, epoch ms (the export's arrival less {@code heldSeconds})
 * @param leaseId the agent's lease id, as sent
 * @param callSite the borrower's call site, first application frame first; null when the agent did
 *     not capture one
 */
public record HolderView(
    String pool,
    String thread,
    double heldSeconds,
    long borrowedAt,
    String leaseId,
    String callSite) {}
