package io.poolscope.collector.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the plan reads from manifests: replicas, ceiling, surge and pools by kind and strategy. */
class ManifestReaderTest {
  static List<Workload> read(String yaml) {
    return ManifestReader.read("m.yaml", new StringReader(yaml));
  }

  static final String ENV =
      """
              containers:
                - name: app
                  env:
                    - {name: OTEL_SERVICE_NAME, value: billing}
                    - {name: QUARKUS_DATASOURCE_JDBC_URL, value: "jdbc:postgresql://pg:5432/b"}
      """;

  @Test
  void kindsAndStrategiesGiveTheirSurge() {
    List<Workload> w =
        read(
            """
            apiVersion: v1
            kind: List
            items:
              - kind: Deployment
                metadata: {name: a}
                spec:
                  replicas: 8
                  template:
                    spec:
            %s
              - kind: Deployment
                metadata: {name: b}
                spec:
                  replicas: 8
                  strategy: {type: Recreate}
                  template:
                    spec:
            %s
              - kind: StatefulSet
                metadata: {name: c}
                spec:
                  replicas: 3
                  template:
                    spec:
            %s
              - kind: ConfigMap
                metadata: {name: d}
            """
                .formatted(indent(ENV), indent(ENV), indent(ENV)));

    assertThat(w).extracting(Workload::name).containsExactly("a", "b", "c");
    // No maxSurge: Kubernetes' 25 %, of 8 is 2. Recreate and StatefulSets: none.
    assertThat(w).extracting(Workload::rollout).containsExactly(10, 8, 3);
    // Service from OTEL_SERVICE_NAME; Quarkus' default max 20.
    assertThat(w.get(0).service()).isEqualTo("billing");
    assertThat(w.get(0).pools()).extracting(PoolSpec::max).containsExactly(20);
    assertThat(w.get(0).pools().get(0).server()).isEqualTo(new ServerKey("pg", 5432));
  }

  @Test
  void urlFromASecretAsksForTheAnnotationNamingItsLine() {
    assertThatThrownBy(
            () ->
                read(
                    """
                    kind: Deployment
                    metadata: {name: a}
                    spec:
                      template:
                        spec:
                          containers:
                            - name: app
                              env:
                                - name: SPRING_DATASOURCE_URL
                                  valueFrom: {secretKeyRef: {name: db, key: url}}
                    """))
        .isInstanceOf(PlanInputException.class)
        .hasMessage(
            "m.yaml:9: container app: SPRING_DATASOURCE_URL comes from a secret or field, so the"
                + " server is unknown; state it in the poolscope.io/pools annotation");
  }

  private static String indent(String s) {
    return s.indent(4).stripTrailing();
  }
}
