using System.Collections.Concurrent;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// A compiled query kept once per context type. EF Core binds a compiled query to the model it
/// first runs on, and the SQLite and PostgreSQL contexts have different models, so a process that
/// uses both (the tests do) needs one compiled query per context type.
/// </summary>
internal sealed class CompiledQueryPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : Delegate
{
    private readonly ConcurrentDictionary<Type, TQuery> _compiled = new();

    /// <summary>Returns the query compiled for the model of <paramref name="context"/>, compiling it on first use.</summary>
    public TQuery For(AuthDbContext context) => _compiled.GetOrAdd(context.GetType(), _ => compile());
}
