# The collector image used by deploy/collector.yaml. Build from the repository root after
# `mvn -B -q -DskipTests package`:
#   docker build -f deploy/collector.Dockerfile -t poolscope/collector:0.1.0 .
FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home poolscope && mkdir -p /var/lib/poolscope \
    && chown 10001 /var/lib/poolscope
COPY collector/target/poolscope-collector.jar /opt/poolscope/poolscope-collector.jar
USER 10001
EXPOSE 4318
ENTRYPOINT ["java", "-jar", "/opt/poolscope/poolscope-collector.jar"]
