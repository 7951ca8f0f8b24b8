import DecantCLI
import Foundation

// The whole program lives in DecantCLI; this only hands it the arguments.
// A reader that goes away (`decant apply --json | head`) must not kill an apply
// half done: writes fail with EPIPE instead, and the console stops printing.
signal(SIGPIPE, SIG_IGN)
let code = await DecantCLI.main(Array(CommandLine.arguments.dropFirst()))
exit(code)
