var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

// The same kind of answer as the site's plain text for curl: the caller's address on one line.
app.MapGet("/", (HttpContext context) => context.Connection.RemoteIpAddress + "\n");

// The most Kestrel can do for the page: its exact bytes, rendered once by the site and written from memory.
// Its gap to nginx serving the same bytes is the server's; the site's gap to it is the renderer's.
if (Environment.GetEnvironmentVariable("PAGE_FILE") is { Length: > 0 } pageFile)
{
    var page = File.ReadAllBytes(pageFile);
    app.MapGet("/page", () => Results.Bytes(page, "text/html; charset=utf-8"));
}

app.Run();
