using Latchkey.Load;

// The load generator of bench/load/run.sh: drives a running Latchkey over loopback and prints one table row per
// scenario. Usage:
//   Latchkey.Load run <base-url> <data-dir> <scenario> <connections> <seconds>
//   Latchkey.Load setup <base-url> <data-dir>      (shell assignments the wrk scenarios of run.sh need)
//   Latchkey.Load argon2 <seconds>                 (the machine's raw Argon2id ceiling, all cores, no HTTP)
//   Latchkey.Load seed <data-dir> <members>        (SQLite: members copied from one PHC string, server stopped)
//   Latchkey.Load phc                              (that PHC string, for seeding PostgreSQL from run.sh)
//   Latchkey.Load enumeration <base-url> <data-dir> <tries>   (login time: known vs unknown email, issue #6)
return args switch
{
    ["run", var baseUrl, var dataDir, var scenario, var connections, var seconds] =>
        await Runner.RunAsync(new Uri(baseUrl), dataDir, scenario, int.Parse(connections, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))),
    ["setup", var baseUrl, var dataDir] => await Runner.SetupAsync(new Uri(baseUrl), dataDir),
    ["argon2", var seconds] => Argon2Ceiling.Run(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))),
    ["enumeration", var baseUrl, var dataDir, var tries] =>
        await EnumerationTiming.RunAsync(new Uri(baseUrl), dataDir, int.Parse(tries, System.Globalization.CultureInfo.InvariantCulture)),
    ["seed", var dataDir, var members] => Seeder.Run(dataDir, int.Parse(members, System.Globalization.CultureInfo.InvariantCulture)),
    ["phc"] => Seeder.PrintPhc(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Latchkey.Load run <base> <data-dir> <scenario> <connections> <seconds> | argon2 <seconds> | seed <data-dir> <members> | phc");
    return 2;
}
