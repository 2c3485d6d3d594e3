# The Kudos REST API (an Orleans client finding gateways in the membership table). Build from the repository root:
#   docker build -f deploy/docker/api.Dockerfile -t kudos-api .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY deploy/sql/ deploy/sql/
RUN dotnet publish src/Api/Kudos.Api.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080
USER $APP_UID
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Kudos.Api.dll"]
