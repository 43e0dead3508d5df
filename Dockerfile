# syntax=docker/dockerfile:1
# Sluice's container image. The build commands are deploy/build-runtime's, which CI also runs
# (.ci/run), so what goes into the image is tested even where no image can be built.
#
#   docker build -t sluice .
#   docker run --read-only --tmpfs /tmp -v sluice-data:/data -p 8080:8080 \
#     -v $PWD/sluice.yaml:/etc/sluice/sluice.yaml:ro sluice
#
# Writable paths (everything else may be read-only): /data (the SQLite store, spill files, the
# semantic cache's index; the working directory) and /tmp (native libraries SQLite and ONNX Runtime
# unpack at start).

# --- build: the jar with the Maven Wrapper, then a jlink'd runtime with the modules jdeps finds ---
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
# dependencies first, so a source change does not download them again
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -q -B dependency:go-offline
COPY src src
COPY deploy/build-runtime deploy/build-runtime
RUN deploy/build-runtime assemble /opt/sluice

# --- run: a small Debian with the runtime, the jar and an AOT cache trained in place ---
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin sluice \
    && mkdir -p /data /etc/sluice && chown sluice:sluice /data
COPY --from=build /opt/sluice /opt/sluice
# The AOT cache is trained here, in the final image, so it matches the jar's path and timestamp:
# a demo run with every feature on (and a start that must use the cache).
RUN --mount=type=bind,from=build,source=/src/deploy/build-runtime,target=/usr/local/bin/build-runtime \
    build-runtime train /opt/sluice && rm -rf /tmp/*
USER 10001:10001
WORKDIR /data
EXPOSE 8080
VOLUME ["/data"]
# No curl in the image: bash's /dev/tcp asks /health/live (answers 200 as long as the process serves).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SLUICE_PORT:-8080} && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/sluice/bin/sluice"]
CMD ["serve", "--config", "/etc/sluice/sluice.yaml"]
