# The Kudos silo (Orleans host). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t kudos-silo .
# Configuration comes from the environment (Section__Key); see README "Configuration" and deploy/compose.yaml.
# The base images are build arguments: the official .NET images by default; any image with the same layout works
# (deploy/containers/base-images.sh makes local equivalents for machines without a registry).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The schema migrator embeds the SQL scripts.
COPY deploy/sql/ deploy/sql/
# The NuGet cache survives between builds (a rebuild after a code change restores nothing).
RUN --mount=type=cache,id=kudos-nuget,target=/root/.nuget/packages \
    dotnet publish src/Silo/Kudos.Silo.csproj -c Release -o /app -p:UseAppHost=false

FROM ${RUNTIME_IMAGE} AS runtime
ARG RUNTIME_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kudos-silo" \
      org.opencontainers.image.description="Kudos boards: the Orleans silo (grains, reminders, email delivery)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"
WORKDIR /app
COPY --from=build /app ./
# HTTP (health, metrics, dashboard), silo-to-silo, gateway. Orleans__AdvertisedAddress must be set at run time to an
# address of this container: its host name (compose) or its IP (Kubernetes: the pod IP).
ENV Urls=http://0.0.0.0:8080 \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000
EXPOSE 8080 11111 30000
# Non-root; nothing is written outside /tmp, so the root file system can be mounted read-only.
USER $APP_UID
# bash's /dev/tcp: the runtime images have no HTTP client, and a probe must not need one.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM is a graceful stop (HostOptions__ShutdownTimeout bounds it); give the orchestrator's grace period more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Kudos.Silo.dll"]
