namespace System;

public struct Nullable<T> where T : struct
{
    private readonly bool _hasValue;
    private readonly T _value;

    public Nullable(T value)
    {
        _hasValue = true;
        _value = value;
    }

    public readonly bool HasValue => _hasValue;

    public readonly T Value
    {
        get
        {
            if (!_hasValue)
                Unikernel.Kernel.Panic("Nullable has no value"u8);
            return _value;
        }
    }

    public readonly T GetValueOrDefault() => _value;

    public readonly T GetValueOrDefault(T defaultValue) => _hasValue ? _value : defaultValue;

    public static implicit operator T?(T value) => new T?(value);

    public static explicit operator T(T? value) => value!.Value;
}
