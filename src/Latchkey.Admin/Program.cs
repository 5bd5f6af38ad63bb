using Latchkey.Admin;

return await LatchkeyCli.RunAsync(args, Console.Out, Console.Error);
