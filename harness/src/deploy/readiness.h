/*
 * readiness.h - telling that a server is up (readiness.c), on this machine
 * or on another host: twice-app says on stdout on which port it listens;
 * any server answers an HTTP request once it is ready. Every wait is
 * bounded, so an address that swallows packets cannot hang a run.
 */
#ifndef TWICE_READINESS_H
#define TWICE_READINESS_H

/** The port twice-app announced in what out_fd holds ("twice-app listening on HOST:PORT ..."),
 * or 0 before it did. */
int readiness_announced_port(int out_fd);
/** 1 when an HTTP GET of route at host:port (a name or a numeric address) gets a status line
 * back; the connection and the answer are each waited for at most about 2 s. */
int readiness_answers(const char *host, int port, const char *route);

#endif
