using Cloudsign.Auth.Fuzz;
using SharpFuzz;

// Usage:
//   Cloudsign.Auth.Fuzz TARGET                     read inputs from AFL++ (SharpFuzz out-of-process mode)
//   Cloudsign.Auth.Fuzz TARGET --seeds DIR         write the seed corpus of TARGET into DIR
//   Cloudsign.Auth.Fuzz TARGET --replay PATH...    run files or folders of inputs once each
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    await Console.Error.WriteLineAsync($"usage: Cloudsign.Auth.Fuzz TARGET [--seeds DIR | --replay PATH...]; TARGET is one of: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length >= 3 && args[1] == "--seeds")
{
    Directory.CreateDirectory(args[2]);
    var index = 0;
    foreach (var seed in target.Seeds())
    {
        await File.WriteAllBytesAsync(Path.Combine(args[2], $"seed-{index++:D3}"), seed);
    }

    return 0;
}

if (args.Length >= 2 && args[1] == "--replay")
{
    var count = 0;
    foreach (var path in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]))
    {
        target.Run(await File.ReadAllBytesAsync(path));
        count++;
    }

    Console.WriteLine($"replayed {count} inputs without an unhandled exception");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.Run(buffer.ToArray());
});
return 0;
