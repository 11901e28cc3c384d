namespace System;

public abstract class ValueType { }

public abstract class Enum : ValueType { }

public struct Void { }
