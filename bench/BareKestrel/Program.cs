var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

// The same kind of answer as the site's plain text for curl: the caller's address on one line.
app.MapGet("/", (HttpContext context) => context.Connection.RemoteIpAddress + "\n");

app.Run();
