namespace Unikernel.Netboot;

/// <summary>How a kernel came: the upload service's own protocol or the web page.</summary>
public enum UploadChannel : byte
{
    /// <summary>TCP port 1337 (<see cref="NetbootService{TDestination, TReport}"/>): nc, <c>unikernel upload</c>.</summary>
    Tcp,
    /// <summary>HTTP <c>PUT /upload</c> on the web page's port: curl -T, the page's form.</summary>
    Http,
}
