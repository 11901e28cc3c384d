namespace System;

public interface IEquatable<T>
{
    bool Equals(T other);
}

public interface IDisposable
{
    void Dispose();
}
