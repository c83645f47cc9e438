package io.poolscope.collector.internal.plan;

/** The payments incident as Kubernetes manifests, and the fixes, for the plan tests. */
public final class Manifests {
  private Manifests() {}

  /**
   * 20 pods, 4 workers each with a HikariCP pool of 10 to one PostgreSQL: 800 connections. Pods are
   * replaced one at a time (maxSurge 0), so a rollout adds none.
   */
  public static final String INCIDENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: payments
      spec:
        replicas: 20
        strategy:
          type: RollingUpdate
          rollingUpdate: {maxSurge: 0, maxUnavailable: 1}
        selector:
          matchLabels: {app: payments}
        template:
          metadata:
            labels: {app: payments}
            annotations:
              poolscope.io/workers: "4"
          spec:
            containers:
              - name: app
                image: payments:1.4.2
                env:
                  - name: SPRING_DATASOURCE_URL
                    value: jdbc:postgresql://pg.prod:5432/payments?sslmode=require
                  - name: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE
                    value: "10"
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: payments
      spec:
        ports: [{port: 80}]
      """;

  /** The incident plus the background job's own pool of 10 in every pod: 1,000 connections. */
  public static final String INCIDENT_WITH_JOB_POOL =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: payments
      spec:
        replicas: 20
        strategy:
          rollingUpdate: {maxSurge: 0, maxUnavailable: 1}
        template:
          metadata:
            annotations:
              poolscope.io/workers: "4"
              poolscope.io/pools: |
                [{"url": "jdbc:postgresql://pg.prod:5432/payments", "max": 10, "name": "HikariPool-1"},
                 {"server": "pg.prod:5432", "max": 10, "count": 1, "name": "background-job"}]
          spec:
            containers:
              - name: app
                image: payments:1.5.0
      """;

  /** The fix: the job borrows from the one pool per worker, and that pool is 6. */
  public static final String FIXED = INCIDENT.replace("value: \"10\"", "value: \"6\"");
}
