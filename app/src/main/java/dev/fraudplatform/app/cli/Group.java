package dev.fraudplatform.app.cli;

import picocli.CommandLine;

/** A command that only groups subcommands: run alone, it prints its usage. */
abstract class Group implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
