using System.Buffers.Binary;
using System.Text.Json;
using Orchestrator.Api.Models;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Api.Predictions;

/// <summary>
/// Reads a predict request body: one PNG/JPEG (image/png, image/jpeg) or a JSON batch {"images":[base64...]},
/// bounded in bytes, images and pixels, and decoded before anything is routed or logged, so a bad request
/// is refused with a 4xx problem and leaves no trace in the prediction log.
/// </summary>
public static class PredictInput
{
    /// <summary>Largest accepted image side in pixels (a bound on decode memory).</summary>
    public const int MaxSide = 4096;

    /// <summary>The decoded images and their encoded bytes, or the problem to answer.</summary>
    public static async Task<(IReadOnlyList<RgbImage> Images, IReadOnlyList<byte[]> Encoded, IResult? Problem)> ReadAsync(HttpRequest request, ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("image/png" or "image/jpeg" or "application/json"))
        {
            return Fail(ServingProblems.Unsupported($"Content type '{request.ContentType}' is not accepted: send image/png, image/jpeg or application/json {{\"images\":[base64...]}}."));
        }

        if (request.ContentLength > options.MaxRequestBytes)
        {
            return Fail(ServingProblems.TooLarge($"The body of {request.ContentLength} bytes exceeds the limit of {options.MaxRequestBytes} bytes."));
        }

        var body = await ReadBoundedAsync(request.Body, options.MaxRequestBytes, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return Fail(ServingProblems.TooLarge($"The body exceeds the limit of {options.MaxRequestBytes} bytes."));
        }

        List<byte[]> encoded;
        if (mediaType == "application/json")
        {
            var (batch, problem) = ParseBatch(body, options.MaxBatch);
            if (problem is not null)
            {
                return Fail(problem);
            }

            encoded = batch!;
        }
        else
        {
            encoded = [body];
        }

        var images = new List<RgbImage>(encoded.Count);
        for (var i = 0; i < encoded.Count; i++)
        {
            if (PngTooLarge(encoded[i]) is { } size)
            {
                return Fail(ServingProblems.BadRequest($"Image {i}: {size} exceeds the largest accepted side of {MaxSide} pixels.", ServingProblems.UndecodableImage));
            }

            if (!ImageCodec.TryDecode(encoded[i], out var image, out var error))
            {
                return Fail(ServingProblems.BadRequest($"Image {i} is not a decodable PNG or JPEG: {error}.", ServingProblems.UndecodableImage));
            }

            images.Add(image!);
        }

        return (images, encoded, null);
    }

    private static (List<byte[]>? Images, IResult? Problem) ParseBatch(byte[] body, int maxBatch)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("images", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                return (null, ServingProblems.BadRequest("The JSON body must be {\"images\":[base64, ...]}."));
            }

            var count = array.GetArrayLength();
            if (count == 0 || count > maxBatch)
            {
                return (null, ServingProblems.BadRequest($"A batch holds 1 to {maxBatch} images; this one has {count}."));
            }

            var images = new List<byte[]>(count);
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !item.TryGetBytesFromBase64(out var bytes))
                {
                    return (null, ServingProblems.BadRequest($"Image {images.Count} is not a base64 string.", ServingProblems.UndecodableImage));
                }

                images.Add(bytes);
            }

            return (images, null);
        }
        catch (JsonException e)
        {
            return (null, ServingProblems.BadRequest("The body is not valid JSON: " + e.Message));
        }
    }

    /// <summary>The body, or null when it exceeds <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>"WxH" when a PNG header declares a side above <see cref="MaxSide"/>, else null.</summary>
    private static string? PngTooLarge(byte[] png)
    {
        if (png.Length < 24 || png[0] != 0x89 || png[1] != (byte)'P')
        {
            return null;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20, 4));
        return width > MaxSide || height > MaxSide ? $"{width}x{height}" : null;
    }

    private static (IReadOnlyList<RgbImage>, IReadOnlyList<byte[]>, IResult?) Fail(IResult problem) => ([], [], problem);
}
