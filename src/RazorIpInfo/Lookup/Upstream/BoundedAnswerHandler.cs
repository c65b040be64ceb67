namespace RazorIpInfo.Lookup.Upstream;

/// <summary>
/// Reads the upstream's whole answer, body included, inside the resilience pipeline, so that the attempt
/// and total timeouts bound the body as well as the headers (HttpClient would otherwise buffer the body
/// after the pipeline has returned, under no timeout but its own), and refuses more than
/// the policy's <c>MaxResponseBytes</c> after decompression, so a small compressed bomb is as
/// harmless as a large plain body.
/// </summary>
public sealed class BoundedAnswerHandler(int maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            // The declared length is of the bytes on the wire; the loop below also counts what they inflate to.
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new UpstreamAnswerTooLargeException(maxBytes);
            }

            var body = await ReadBoundedAsync(response.Content, cancellationToken);
            var buffered = new ByteArrayContent(body);
            if (response.Content.Headers.ContentType is { } type)
            {
                buffered.Headers.ContentType = type;
            }

            response.Content.Dispose();
            response.Content = buffered;
            return response;
        }
        catch (Exception ex) when (ex is IOException or System.IO.InvalidDataException)
        {
            // A reset or early close mid-body, or bytes that do not inflate: a failed exchange like any
            // other, so the pipeline and the client treat it as one (and nothing escapes as a 500).
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.InvalidResponse, "The answer's body could not be read.", ex);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new UpstreamAnswerTooLargeException(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>The upstream sent more than the configured cap; not retried, since it would only do it again.</summary>
public sealed class UpstreamAnswerTooLargeException(int maxBytes)
    : HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, $"The answer is larger than {maxBytes} bytes.");
