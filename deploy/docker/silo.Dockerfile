# The Kudos silo (Orleans host). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t kudos-silo .
# Configuration comes from the environment (Section__Key); see README "Configuration" and deploy/compose.yaml.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The schema migrator embeds the SQL scripts.
COPY deploy/sql/ deploy/sql/
RUN dotnet publish src/Silo/Kudos.Silo.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# HTTP (health, metrics, dashboard), silo-to-silo, gateway. Orleans__AdvertisedAddress must be set to the
# container's own IP at run time (compose: a fixed address; Kubernetes: the pod IP).
ENV Urls=http://0.0.0.0:8080 \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000
EXPOSE 8080 11111 30000
USER $APP_UID
# SIGTERM is a graceful stop (HostOptions__ShutdownTimeout bounds it); give the orchestrator's grace period more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Kudos.Silo.dll"]
