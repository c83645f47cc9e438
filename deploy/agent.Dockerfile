# A minimal image that only carries the agent jar, for the init container of
# deploy/app-deployment.yaml. Build from the repository root after `mvn -B -q -DskipTests package`:
#   docker build -f deploy/agent.Dockerfile -t poolscope/agent:0.1.0 .
FROM busybox:1.36
COPY agent/target/poolscope-agent.jar /opt/poolscope/poolscope-agent.jar
