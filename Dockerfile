# syntax=docker/dockerfile:1
# Build with the Maven wrapper on a JDK, run on a JRE as a non-root user, in Spring Boot's layers
# (dependencies change less often than the application, so they stay cached).
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline -DskipTests
COPY src src
RUN ./mvnw -B -q -DskipTests -Dmaven.gitcommitid.skip=true package \
 && java -Djarmode=tools -jar target/keyrotator-*.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 keyrotator \
 && useradd --system --uid 10001 --gid keyrotator --no-create-home keyrotator
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER 10001:10001
EXPOSE 8080 8081
# Size the heap from the container's memory limit; the root filesystem can be read-only (only /tmp is written).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
