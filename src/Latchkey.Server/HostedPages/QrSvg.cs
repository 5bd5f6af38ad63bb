using System.Globalization;
using System.Text;
using QRCoder;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// A QR code as inline SVG: one path of dark modules, drawn here from QRCoder's matrix so the markup is ours (no
/// style attributes for the CSP to refuse, no image request).
/// </summary>
public static class QrSvg
{
    public static string Render(string text, string labelId)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (matrix[y][x])
                {
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }

        return $"""<svg class="lk-qr" role="img" aria-labelledby="{labelId}" viewBox="0 0 {size} {size}" width="200" height="200" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>""";
    }
}
