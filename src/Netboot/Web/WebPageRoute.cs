namespace Unikernel.Netboot.Web;

/// <summary>What a request to the web page asked for, kept in <see cref="Net.Http.HttpResponse.Tag"/> between the handler's calls.</summary>
internal enum WebPageRoute
{
    /// <summary>Answered at its head (a page, an error).</summary>
    Answered,
    /// <summary>A kernel image in the body: <c>PUT /upload</c> or <c>POST /upload</c>.</summary>
    Upload,
    /// <summary>A browser form's <c>multipart/form-data</c> posted to <c>/upload</c>: the file part is the image.</summary>
    FormUpload,
    /// <summary>The body of a request that was answered at its head is dropped.</summary>
    Ignored,
}
