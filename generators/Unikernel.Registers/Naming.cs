using System.Text;

namespace Unikernel.Registers
{
    /// <summary>Manual-style names (IRQ_STATUS, uart-16550) to C# names (IrqStatus, Uart16550).</summary>
    public static class Naming
    {
        public static string Pascal(string name)
        {
            var text = new StringBuilder(name.Length);
            bool upper = true;
            foreach (char c in name)
            {
                if (c == '_' || c == '-' || c == '.' || c == ' ')
                {
                    upper = true;
                    continue;
                }
                if (!char.IsLetterOrDigit(c))
                    continue;
                text.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                upper = false;
            }
            if (text.Length == 0 || char.IsDigit(text[0]))
                text.Insert(0, '_');
            return text.ToString();
        }
    }
}
