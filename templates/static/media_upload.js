/* (issue 16: being written) */
