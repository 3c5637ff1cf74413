using System.Text.Json;
using Orchestrator.Api.Models;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Api.Predictions;

/// <summary>
/// Reads a predict request body: one PNG/JPEG (image/png, image/jpeg) or a JSON batch {"images":[base64...]},
/// bounded in bytes and images, and checks every image's header against <see cref="PredictLimits"/> before anything
/// is decoded, routed further or logged, so a bad or oversized request is refused with a 4xx problem, costs no
/// pixel memory and leaves no trace in the prediction log.
/// </summary>
public static class PredictInput
{
    private static readonly JsonDocumentOptions BatchJson = new() { AllowDuplicateProperties = false, MaxDepth = 4 };

    /// <summary>The encoded images, each with a header within the limits, or the problem to answer.</summary>
    public static async Task<(IReadOnlyList<byte[]> Encoded, IResult? Problem)> ReadAsync(HttpRequest request, ServingOptions options, PredictLimits limits)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
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

        var images = limits.Images;
        long pixels = 0;
        for (var i = 0; i < encoded.Count; i++)
        {
            if (!ImageHeader.TryRead(encoded[i], out var header, out var error))
            {
                return Fail(ServingProblems.BadRequest($"Image {i} is not a decodable PNG or JPEG: {error}.", ServingProblems.UndecodableImage));
            }

            if (images.Check(header) is { } tooLarge)
            {
                return Fail(ServingProblems.TooLarge($"Image {i}: {tooLarge}."));
            }

            pixels += header.Pixels;
            if (pixels > limits.MaxRequestPixels)
            {
                return Fail(ServingProblems.TooLarge($"The images up to image {i} declare {pixels} pixels in all, above the request's limit of {limits.MaxRequestPixels}."));
            }
        }

        return (encoded, null);
    }

    /// <summary>Decodes images whose headers <see cref="ReadAsync"/> accepted (call it holding a <see cref="DecodeSlots"/> slot).</summary>
    public static (IReadOnlyList<RgbImage> Images, IResult? Problem) Decode(IReadOnlyList<byte[]> encoded, PredictLimits limits)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(limits);
        var images = new List<RgbImage>(encoded.Count);
        for (var i = 0; i < encoded.Count; i++)
        {
            if (!ImageCodec.TryDecode(encoded[i], limits.Images, out var image, out var error))
            {
                return ([], ServingProblems.BadRequest($"Image {i} is not a decodable PNG or JPEG: {error}.", ServingProblems.UndecodableImage));
            }

            images.Add(image!);
        }

        return (images, null);
    }

    /// <summary>{"images":[base64, ...]} and nothing else: unknown or repeated members are refused, as in every other body.</summary>
    private static (List<byte[]>? Images, IResult? Problem) ParseBatch(byte[] body, int maxBatch)
    {
        try
        {
            using var json = JsonDocument.Parse(body, BatchJson);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("images", out var array) || array.ValueKind != JsonValueKind.Array
                || root.EnumerateObject().Count() != 1)
            {
                return (null, ServingProblems.BadRequest("The JSON body must be {\"images\":[base64, ...]} and nothing else."));
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

    private static (IReadOnlyList<byte[]>, IResult?) Fail(IResult problem) => ([], problem);
}
