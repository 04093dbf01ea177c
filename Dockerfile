# syntax=docker/dockerfile:1
# Build with the Maven wrapper on a JDK, run on a JRE as a non-root user, in Spring Boot's layers
# (dependencies change less often than the application, so they stay cached), with a JDK 25 AOT
# cache for a faster start (README, "Performance"). The base images are arguments, so a registry
# mirror or a stand-in can be used (scripts/image.sh builds stand-ins from Debian packages).
ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline -DskipTests
COPY src src
# the tests are not compiled: the image needs none of them (nor clients/, which only they use)
RUN ./mvnw -B -q -Dmaven.test.skip=true -Dmaven.gitcommitid.skip=true package \
 && cp target/keyrotator-*.jar /tmp/keyrotator.jar \
 && java -Djarmode=tools -jar /tmp/keyrotator.jar extract --layers --destination /layers

# The AOT cache needs the very JVM that recorded it, so it is recorded in this stage, on this JRE.
# JDK 24+ has -XX:AOTCacheOutput; the code is still compiled for Java 21.
FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 keyrotator \
 && useradd --system --uid 10001 --gid keyrotator --no-create-home keyrotator
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Size the heap from the container's memory limit; the root filesystem can be read-only (only /tmp is written).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# Training run: build the application context and stop before anything starts. No database or
# Vault exists at build time, so Flyway stays off and nothing connects; the classes loaded and
# linked so far go into keyrotator.aot.
RUN java -XX:AOTCacheOutput=keyrotator.aot -Xlog:aot*=error -Dspring.context.exit=onRefresh -jar keyrotator.jar \
      --spring.flyway.enabled=false --spring.cloud.vault.token=aot-training \
 && chmod a+r keyrotator.aot
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:AOTCache=keyrotator.aot", "-jar", "keyrotator.jar"]
