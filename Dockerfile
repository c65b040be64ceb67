# Multi-stage image of the site. Not exercised on the development machine (it has no Docker engine);
# see docs/deploy.md. Build from the repository root: docker build -t razoripinfo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props RazorIpInfo.sln ./
COPY src/RazorIpInfo/RazorIpInfo.csproj src/RazorIpInfo/
RUN dotnet restore src/RazorIpInfo/RazorIpInfo.csproj
COPY src/ src/
RUN dotnet publish src/RazorIpInfo/RazorIpInfo.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's built-in unprivileged user (UID 1654); port 8080 needs no privileges.
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080
ENTRYPOINT ["dotnet", "RazorIpInfo.dll"]
