namespace Unikernel.Net.Http;

/// <summary>What one call of <see cref="MultipartFormReader.Read"/> found.</summary>
public enum MultipartEvent : byte
{
    /// <summary>Nothing yet: the bytes used were delimiters, headers or preamble, or are held as a possible delimiter.</summary>
    None,

    /// <summary>A part begins: its name, file name and type are readable until the next call.</summary>
    PartStarted,

    /// <summary>A run of the current part's content.</summary>
    Data,

    /// <summary>The current part's content is complete.</summary>
    PartEnded,

    /// <summary>The close delimiter: the form is complete; what follows is ignored.</summary>
    Finished,

    /// <summary>Malformed: a part's head too long or broken, or junk after a delimiter (<see cref="MultipartFormReader.IsFailed"/>).</summary>
    Failed,
}
